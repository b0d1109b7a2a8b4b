/** A presigned request the client makes itself: method, URL and the headers it must send unchanged. */
export interface PresignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface StoredObjectInfo {
  size: number;
  contentType: string | undefined;
}

/**
 * Object storage behind one interface: S3-compatible (production) or the local filesystem (embedded default).
 * Uploads and downloads go straight between client and storage on presigned URLs; the size and content type of
 * an upload are part of what is signed, so a larger body or another type is refused by the storage itself.
 */
export interface StorageDriver {
  readonly name: 's3' | 'filesystem';
  presignUpload(key: string, contentType: string, size: number, ttlSeconds: number): Promise<PresignedRequest>;
  presignDownload(key: string, ttlSeconds: number, downloadName?: string): Promise<PresignedRequest>;
  /** Size and stored type, or undefined when there is no such object. */
  head(key: string): Promise<StoredObjectInfo | undefined>;
  /** The object's first `bytes` bytes (content sniffing). */
  readStart(key: string, bytes: number): Promise<Buffer>;
  /** The whole object (worker jobs on objects within the size limit, e.g. thumbnails). */
  read(key: string): Promise<Buffer>;
  /** Writes an object from the runtime itself (derived objects such as thumbnails). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  delete(key: string): Promise<void>;
  close(): void;
}
