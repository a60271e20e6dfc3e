// An acceptance's evidence files (the signed paper application, the preliminary and the county report's
// originals): EvidenceUpload sends each to the acceptance service through `uploader`; the answers are
// kept, so a form can show the files' references exactly as the service will put them into a document.
import { reactive, ref } from 'vue'
import { upload } from '@/api/client'
import type { FileRef } from './files'

export function acceptanceUploads(acceptanceId: () => string) {
  const uploaded = reactive(new Map<string, FileRef>())
  const uploading = ref(0)
  async function uploader(file: File, onProgress: (percent: number) => void) {
    const a = await upload('acceptance', '/acceptances/{acceptance_id}/attachments', { path: { acceptance_id: acceptanceId() }, file, onProgress })
    uploaded.set(a.file_id, { file_id: a.file_id, filename: a.filename, sha256: a.sha256, size: a.size, content_type: a.content_type })
    return a
  }
  /** The references of the files `ids`, in their order (as the service resolves them). */
  const refs = (ids: string[]): FileRef[] => ids.flatMap((id) => uploaded.get(id) ?? [])
  return { uploader, uploading, refs }
}

/** The files a document's content rests on: its own `attachments`, or those of its report (the county's). */
export function attachmentsOf(content: unknown): FileRef[] {
  const c = (content ?? {}) as { attachments?: unknown; report?: unknown }
  const own = Array.isArray(c.attachments) ? c.attachments : []
  const report = c.report && typeof c.report === 'object' ? (c.report as { attachments?: unknown }).attachments : null
  return [...own, ...(Array.isArray(report) ? report : [])].filter(isFileRef)
}

export const isFileRef = (v: unknown): v is FileRef => !!v && typeof v === 'object' && 'file_id' in v && 'filename' in v
