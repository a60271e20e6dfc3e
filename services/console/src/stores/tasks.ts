// The caller's to-do list, merged from the five services (see logic/tasks.ts); the menu shows its count.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { get, SERVICES, type Service } from '@/api/client'
import { mergeTasks, pressing, type Task } from '@/logic/tasks'

const PAGE = 500   // a person's pending steps fit in one page of each service

export const useTasks = defineStore('tasks', () => {
  const tasks = shallowRef<Task[]>([])
  const unavailable = ref<Service[]>([])   // services that did not answer: their tasks are missing
  const loading = ref(false)
  const loaded = ref(false)

  async function refresh() {
    loading.value = true
    try {
      const answers = await Promise.allSettled(SERVICES.map((s) => get(s, '/tasks', { query: { size: PAGE } })))
      unavailable.value = SERVICES.filter((_, i) => answers[i].status === 'rejected')
      tasks.value = mergeTasks(answers.map((a) => (a.status === 'fulfilled' ? (a.value.items as Task[]) : [])))
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  const urgent = computed(() => pressing(tasks.value))
  return { tasks, unavailable, loading, loaded, urgent, refresh }
})
