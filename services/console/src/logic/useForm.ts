// The form of src/logic/forms.ts made reactive for a component: bind `form.values.x` with v-model,
// `form.errors.x` to el-form-item's :error, `form.refusal` to an el-alert, `form.sending` to the
// submit button's :loading (which also disables it).
import { reactive } from 'vue'
import { Form, type Rules, type Values } from './forms'

export function useForm<T extends Values, R>(
  initial: () => T,
  rules: Rules<T>,
  write: (values: T) => Promise<R>,
  aliases: Record<string, string> = {},
): Form<T, R> {
  return reactive(new Form<T, R>(initial, rules, write, aliases)) as unknown as Form<T, R>
}
