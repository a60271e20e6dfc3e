// Loading state of a page: the data, whether it is loading, and the error (a 403 shows 无权查看).
import { ref, shallowRef, type Ref } from 'vue'

export function useLoad<T>(fetcher: () => Promise<T>, immediate = true) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = shallowRef<Error | null>(null)
  async function load() {
    loading.value = true
    error.value = null
    try {
      data.value = await fetcher()
    } catch (e) {
      error.value = e as Error
    } finally {
      loading.value = false
    }
  }
  if (immediate) load()
  return { data, loading, error, load }
}

export interface PageAnswer<T> {
  items: T[]
  total: number
}

/** A server-paginated list: page and size drive the fetch; filters reset to page 1. */
export function usePaged<T>(fetcher: (page: number, size: number) => Promise<PageAnswer<T>>, size = 20) {
  const page = ref(1)
  const pageSize = ref(size)
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const state = useLoad(async () => {
    const answer = await fetcher(page.value, pageSize.value)
    items.value = answer.items
    total.value = answer.total
    return answer
  })
  function refilter() {
    page.value = 1
    return state.load()
  }
  return { page, pageSize, items, total, loading: state.loading, error: state.error, load: state.load, refilter }
}

/** After a save: reload the list, then say so (or that the reload failed, the save having been made). */
export function reloadAndSay(load: () => Promise<void>, error: Ref<Error | null>, say: { success: (m: string) => void; warning: (m: string) => void }) {
  return async (message: string) => {
    await load()
    if (error.value) say.warning(`${message}，但重新加载失败：${error.value.message}`)
    else say.success(message)
  }
}
