import { describe, expect, it } from 'vitest'
import { ApiError, problemFrom } from '@/api/client'
import { Form, checkField, isIsoDay, placeRefusal, validate, type Rules } from '@/logic/forms'

type Measure = { task_id: string; title: string; responsible: string; deadline: string | null }
const empty = (): Measure => ({ task_id: 't1', title: '建立制度', responsible: '', deadline: null })
const rules: Rules<Measure> = {
  task_id: { label: '所属任务', required: true },
  title: { label: '措施内容', required: true, maxLength: 10 },
  responsible: { label: '责任人', required: true },
  deadline: { label: '完成时限', required: true, date: true, notBefore: () => '2020-09-16' },
}

describe('checks in the browser', () => {
  it('asks for every required field by its label', () => {
    expect(validate(empty(), rules)).toEqual({ responsible: '请填写责任人', deadline: '请填写完成时限' })
    expect(validate({ ...empty(), responsible: '  ' }, rules).responsible).toBe('请填写责任人')
  })
  it('checks dates, their bounds and lengths', () => {
    expect(isIsoDay('2020-02-29')).toBe(true)
    expect(isIsoDay('2021-02-29')).toBe(false)
    expect(isIsoDay('2020/09/16')).toBe(false)
    const values = { ...empty(), responsible: '卫队长' }
    expect(checkField(rules.deadline!, '2020-13-01', values)).toBe('完成时限应为有效日期（年-月-日）')
    expect(checkField(rules.deadline!, '2020-09-15', values)).toBe('完成时限不能早于2020年9月16日')
    expect(checkField({ label: '进展日期', date: true, notAfter: () => '2020-09-16' }, '2020-09-17', values)).toBe('进展日期不能晚于2020年9月16日')
    expect(checkField(rules.deadline!, '2020-12-31', values)).toBeNull()
    expect(checkField(rules.title!, '一二三四五六七八九十一', values)).toBe('措施内容不能超过 10 个字')
  })
})

describe('a refusal of the service', () => {
  const validation = problemFrom(422, 'Unprocessable Entity', {
    type: '/problems/validation', title: '输入不合法 Invalid input', detail: '请求中有不合法的字段，请按 errors 修正 (see errors)',
    errors: [{ field: 'body.deadline', message: 'Input should be a valid date', type: 'date_from_datetime_parsing' },
      { field: 'body.title', message: 'Field required', type: 'missing' }],
  })
  it('keeps the field errors, without body., in Chinese', () => {
    expect(validation.fields).toEqual({ deadline: '日期格式不正确（应为 年-月-日）', title: '必填' })
    expect(validation.title).toBe('输入不合法 Invalid input')
  })
  it('reads the one field a rule names, and the platform clock\'s refusal', () => {
    const rule = problemFrom(422, '', { type: '/problems/missing-deadline', title: '不符合整顿规则 Rule violated',
      detail: '每项整改措施须有完成时限 (every measure needs a deadline)', field: 'deadline' })
    expect(rule.fields).toEqual({ deadline: '每项整改措施须有完成时限' })
    const future = problemFrom(422, '', { type: '/problems/date-in-future', title: '日期不能晚于今天 Date in the future',
      detail: 'progress_on = 2026-12-02 晚于平台当前日期 2020-09-16', errors: [{ field: 'progress_on', message: 'not after 2020-09-16' }] })
    expect(future.fields).toEqual({ progress_on: '不能晚于平台当前日期 2020-09-16' })
    expect(problemFrom(409, 'Conflict', { title: '与当前状态冲突 Conflict', detail: '已完成 (done)' }).fields).toEqual({})
  })
  it('puts field errors beside the form items and the rest above the form', () => {
    expect(placeRefusal(validation, ['deadline', 'title'])).toEqual({ errors: { deadline: '日期格式不正确（应为 年-月-日）', title: '必填' }, refusal: null })
    const mixed = placeRefusal(validation, ['deadline'])
    expect(mixed.errors).toEqual({ deadline: '日期格式不正确（应为 年-月-日）' })
    expect(mixed.refusal).toEqual({ title: '输入不合法', detail: 'title：必填' })
    const aliased = placeRefusal(new ApiError(404, '未找到 Not found', '', '', { 'evidence_ids.0': '请先上传' }), ['files'], { evidence_ids: 'files' })
    expect(aliased.errors).toEqual({ files: '请先上传' })
    const conflict = placeRefusal(new ApiError(409, '与当前状态冲突 Conflict', '措施已完成 (already completed)'), ['title'])
    expect(conflict).toEqual({ errors: {}, refusal: { title: '与当前状态冲突', detail: '措施已完成' } })
    expect(placeRefusal(new ApiError(403, '无权操作 Forbidden', 'x'), []).refusal?.title).toBe('无权进行此操作')
    expect(placeRefusal(new TypeError('Failed to fetch'), []).refusal?.title).toBe('提交失败')
  })
})

describe('a form', () => {
  it('does not send what the browser can refuse, and keeps the input', async () => {
    const sent: Measure[] = []
    const form = new Form(empty, rules, async (v) => { sent.push({ ...v }); return 'saved' })
    form.values.responsible = '卫队长'
    expect(await form.submit()).toBeNull()
    expect(sent).toEqual([])
    expect(form.errors).toEqual({ deadline: '请填写完成时限' })
    expect(form.values.responsible).toBe('卫队长')
    form.values.deadline = '2020-12-31'
    form.touched('deadline')
    expect(form.errors).toEqual({})
    expect(await form.submit()).toBe('saved')
    expect(sent).toEqual([{ task_id: 't1', title: '建立制度', responsible: '卫队长', deadline: '2020-12-31' }])
    form.reset()
    expect(form.values).toEqual(empty())
  })
  it('is sending (its button disabled) until the answer, sends once, and keeps the input when refused', async () => {
    let answer: (e: Error) => void = () => undefined
    let calls = 0
    const form = new Form(() => ({ ...empty(), responsible: '卫队长', deadline: '2020-12-31' }), rules,
      () => { calls++; return new Promise<string>((_, reject) => { answer = reject }) })
    const pending = form.submit()
    expect(form.sending).toBe(true)
    expect(await form.submit()).toBeNull()      // a second click while sending does nothing
    answer(problemFrom(422, '', { title: '不符合整顿规则 Rule violated', detail: '完成时限 2021-09-01 晚于整顿工作结束日期 2021-06-30 (after)', field: 'deadline' }))
    expect(await pending).toBeNull()
    expect(calls).toBe(1)
    expect(form.sending).toBe(false)
    expect(form.errors).toEqual({ deadline: '完成时限 2021-09-01 晚于整顿工作结束日期 2021-06-30' })
    expect(form.refusal).toBeNull()
    expect(form.values.deadline).toBe('2020-12-31')
  })
  it('shows a refusal without fields above the form', async () => {
    const form = new Form(() => ({ ...empty(), responsible: '卫队长', deadline: '2020-12-31' }), rules,
      async () => { throw problemFrom(409, 'Conflict', { title: '与当前状态冲突 Conflict', detail: '案件已进入验收 (in acceptance)' }) })
    expect(await form.submit()).toBeNull()
    expect(form.refusal).toEqual({ title: '与当前状态冲突', detail: '案件已进入验收' })
    expect(form.errors).toEqual({})
  })
})
