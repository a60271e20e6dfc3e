// Writes not yet in the figures (logic/sync.ts): polled once a second while any is waiting; when the
// last one arrives, `settled` counts up so that pages showing figures or to-do lists reload them.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { get, onPublished } from '@/api/client'
import { stillWaiting, syncLabel, waitFor, type Waiting } from '@/logic/sync'

const POLL_MS = 1000

export const useSync = defineStore('sync', () => {
  const waiting = shallowRef<Waiting[]>([])
  const now = ref(Date.now())
  const settled = ref(0)
  let timer: ReturnType<typeof setTimeout> | null = null

  function published(events: string) {
    waiting.value = waitFor(waiting.value, events, Date.now())
    schedule()
  }

  function schedule() {
    if (timer === null && waiting.value.length > 0) timer = setTimeout(poll, POLL_MS)
  }

  async function poll() {
    timer = null
    now.value = Date.now()
    const before = waiting.value.length
    waiting.value = await stillWaiting(waiting.value, (events) => get('reporting', '/sync', { query: { events } }), now.value)
    if (before > 0 && waiting.value.length === 0) settled.value++
    schedule()
  }

  onPublished(published)
  const label = computed(() => syncLabel(waiting.value, now.value))
  return { waiting, label, settled, published }
})
