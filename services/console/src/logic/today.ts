// The platform's business day (its clock, which tests and rehearsals move): the default date of a record and
// the latest a form accepts. Read once per page from supervision's clock.
import { ref } from 'vue'
import { get } from '@/api/client'

export function usePlatformToday() {
  const today = ref('')   // blank until the clock answers: a form fills its date when opened
  get('supervision', '/platform/clock').then((c) => { today.value = (c as { today: string }).today }).catch(() => undefined)
  return today
}
