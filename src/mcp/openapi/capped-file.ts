import { open } from 'node:fs/promises';
import { OpenApiDocumentError } from './openapi-document.error';

/**
 * Reads a regular file, refusing it once it passes `maxBytes`: the size is checked before
 * reading and again while reading (the file may grow meanwhile); a FIFO or a device such as
 * /dev/zero is not a document.
 */
export async function readCappedFile(path: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new OpenApiDocumentError('unavailable', `${path} cannot be opened`, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new OpenApiDocumentError('refused', `${path} is not a regular file`);
    if (info.size > maxBytes) throw tooLarge(path, maxBytes);
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) throw tooLarge(path, maxBytes);
    }
    return buffer.subarray(0, size);
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, maxBytes: number): OpenApiDocumentError {
  return new OpenApiDocumentError('refused', `${path} is larger than ${maxBytes} bytes`);
}
