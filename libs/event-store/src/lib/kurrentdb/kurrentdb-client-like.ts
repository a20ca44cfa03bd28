import type {
  AllStreamResolvedEvent,
  AppendResult,
  AppendToStreamOptions,
  CaughtUp,
  EventData,
  ReadAllOptions,
  ReadStreamOptions,
  ResolvedEvent,
  StreamMetadata,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';

/**
 * The part of `KurrentDBClient` the adapter uses. The real client satisfies it as is; unit tests
 * pass a test double of the same shape (see `testing/fake-kurrentdb-client.ts`).
 */
export interface KurrentDbClientLike {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): KurrentDbSubscriptionLike;
  setStreamMetadata(streamName: string, metadata: StreamMetadata, options?: AppendToStreamOptions): Promise<unknown>;
  dispose(): Promise<void>;
}

/** The part of the client's `AllStreamSubscription` (a Node Readable in object mode) the adapter uses. */
export interface KurrentDbSubscriptionLike {
  on(event: 'data', listener: (event: AllStreamResolvedEvent) => void): unknown;
  on(event: 'caughtUp', listener: (info: CaughtUp) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(): unknown;
  pause(): unknown;
  resume(): unknown;
  /** Events read from the server but not yet emitted as 'data' (the stream is paused). */
  readonly readableLength: number;
  unsubscribe(): Promise<void>;
}
