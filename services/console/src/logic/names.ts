// Names of divisions and criteria for pages that get codes only (one request per page, cached).
import { reactive } from 'vue'
import { all, get } from '@/api/client'

const divisionNames = reactive<Record<string, string>>({})
// The registry's kind of each (行政村, 社区, 非公企业, 社会组织): enterprises share a village's code shape.
const divisionKinds = reactive<Record<string, string>>({})
const loadedParents = new Set<string>()

/** The names of `parent`'s children (and of `parent`), looked up once. */
export async function childNames(parent: string): Promise<Record<string, string>> {
  if (!loadedParents.has(parent)) {
    loadedParents.add(parent)
    const children = await all(async (page, size) => get('casework', '/divisions', { query: { parent, page, size } }))
    for (const d of children) {
      divisionNames[d.code] = d.name
      if (d.kind) divisionKinds[d.code] = d.kind
    }
  }
  return divisionNames
}

export async function criteriaOf(campaignId: string): Promise<Record<string, string>> {
  const c = (await get('screening', '/campaigns/{campaign_id}', { path: { campaign_id: campaignId } })) as unknown as { criteria: { code: string; label: string }[] }
  return Object.fromEntries(c.criteria.map((x) => [x.code, x.label]))
}

export { divisionKinds, divisionNames }
