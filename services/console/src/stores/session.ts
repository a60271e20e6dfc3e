// Who is logged in, in which unit, and what they may do (the generated access policy).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { identityFrom, type Identity } from '@/auth/claims'
import { allows } from '@/logic/access'
import { isWithin, levelOf, type Level } from '@/logic/divisions'
import { POLICY, ROLE_LABELS } from '@/api/types/policy'

export const useSession = defineStore('session', () => {
  const identity = ref<Identity | null>(null)
  const unitName = ref<string>('')

  function signedIn(accessToken: string | null) {
    identity.value = accessToken ? identityFrom(accessToken) : null
  }

  const unit = computed(() => identity.value?.unit ?? null)
  const level = computed<Level | null>(() => {
    try {
      return unit.value ? levelOf(unit.value) : null
    } catch {
      return null
    }
  })
  const roleLabels = computed(() =>
    (identity.value?.roles ?? []).map((r) => ROLE_LABELS[r]).filter((l): l is string => !!l),
  )

  /** May the user take `action` (on `target`)? Mirrors zhengdun.access; the services decide. */
  function can(action: string, target?: string): boolean {
    if (!identity.value) return false
    return allows(POLICY, { roles: identity.value.roles, unit: identity.value.unit }, action, target)
  }

  /** Is `code` inside the user's jurisdiction? (Everything the console shows is.) */
  function reaches(code: string): boolean {
    return !!unit.value && isWithin(code, unit.value)
  }

  return { identity, unitName, unit, level, roleLabels, signedIn, can, reaches }
})
