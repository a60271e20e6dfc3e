// Evidence files in every service: what a record keeps of a file (zhengdun.attachments.AttachmentRef, the
// same in each service's OpenAPI), and how a form sends one file (EvidenceUpload's `uploader`).
import type { components as Screening } from '@/api/types/screening'

export type FileRef = Screening['schemas']['AttachmentRef']
export type Uploader = (file: File, onProgress: (percent: number) => void) => Promise<{ file_id: string }>
