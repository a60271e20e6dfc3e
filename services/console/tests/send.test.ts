import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/auth/oidc', () => ({ currentUser: async () => ({ access_token: 'T', expired: false }), login: async () => undefined }))
const { ApiError, send } = await import('@/api/client')

afterEach(() => vi.unstubAllGlobals())

describe('writing through the client', () => {
  it('sends JSON with the bearer token and answers the created record', async () => {
    const calls: [string, RequestInit][] = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([url, init])
      return new Response(JSON.stringify({ case_id: 'c1', phase: 'concentrated', entry: { seq: 9 } }), { status: 201 })
    })
    const answer = await send('casework', 'POST', '/cases/{case_id}/measures', {
      path: { case_id: 'c1' }, body: { task_id: 't1', title: '建立制度', responsible: '卫队长', deadline: '2020-12-31' } })
    expect(answer.case_id).toBe('c1')
    const [url, init] = calls[0]
    expect(url).toBe('/api/casework/cases/c1/measures')
    expect(init.method).toBe('POST')
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer T')
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json')
    expect(JSON.parse(init.body as string)).toEqual({ task_id: 't1', title: '建立制度', responsible: '卫队长', deadline: '2020-12-31' })
  })
  it('turns a refusal into an ApiError with its field errors', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({
      type: '/problems/validation', title: '输入不合法 Invalid input', status: 422, detail: '请求中有不合法的字段',
      errors: [{ field: 'body.deadline', message: 'Input should be a valid date', type: 'date_parsing' }] }),
    { status: 422, headers: { 'Content-Type': 'application/problem+json' } }))
    const refused = await send('casework', 'POST', '/cases/{case_id}/tasks', { path: { case_id: 'c1' }, body: { problem_id: 'p', title: 't' } })
      .catch((e) => e)
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused.status).toBe(422)
    expect(refused.fields).toEqual({ deadline: '日期格式不正确（应为 年-月-日）' })
  })
})
