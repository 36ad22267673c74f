import type { WebClient } from '@slack/web-api';
import { postFile } from './transport.js';

/** An upload that takes longer than this is given up: the person is told it failed rather than left waiting. */
const UPLOAD_TIMEOUT_MS = 5 * 60 * 1000;

export interface FileOnDisk {
  path: string;
  filename: string;
  bytes: number;
  title: string;
}

/**
 * Shares a file from disk into a conversation, with a message, in the three steps that
 * files.uploadV2 takes: ask for an upload URL, send the bytes there, complete the upload into
 * the conversation. WebClient's filesUploadV2 reads the whole file into memory first (and
 * copies it twice more into a multipart form); here the bytes stream from disk.
 */
export async function shareFile(
  client: WebClient,
  file: FileOnDisk,
  share: { channel_id: string; initial_comment: string },
): Promise<string> {
  const { upload_url, file_id } = await client.files.getUploadURLExternal({ filename: file.filename, length: file.bytes });
  if (!upload_url || !file_id) throw new Error('Slack gave no upload URL for the file');
  const sent = await postFile(upload_url, file, { signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
  if (sent.status !== 200) throw new Error(`Slack did not take the file's bytes (HTTP ${sent.status})`);
  await client.files.completeUploadExternal({ files: [{ id: file_id, title: file.title }], ...share });
  return file_id;
}
