// Screening's evidence files: a township's round keeps those of its assessments, committee meeting and
// notice; a county's review those of its site visits. Each is uploaded first (the service checks it and
// answers its id), then named by id in the record; these give EvidenceUpload its uploader and the
// file lists their download path.
import { upload } from '@/api/client'
import type { Uploader } from './files'

export function townshipFiles(campaign: string, round: string, township: string): string {
  return `/campaigns/${campaign}/rounds/${round}/townships/${township}/attachments`
}
export function countyFiles(campaign: string, round: string, county: string): string {
  return `/campaigns/${campaign}/rounds/${round}/counties/${county}/attachments`
}

export function townshipUploader(campaign: string, round: string, township: string): Uploader {
  return (file, onProgress) => upload('screening', '/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/attachments', {
    path: { campaign_id: campaign, round_id: round, township }, file, onProgress,
  })
}
export function countyUploader(campaign: string, round: string, county: string): Uploader {
  return (file, onProgress) => upload('screening', '/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/attachments', {
    path: { campaign_id: campaign, round_id: round, county }, file, onProgress,
  })
}
