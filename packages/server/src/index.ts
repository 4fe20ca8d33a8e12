export { type ApiOptions, createApi, DEFAULT_BODY_LIMIT, DEFAULT_MAX_EVENT_STREAMS } from './createApi.ts';
export { type ErrorBody, errorResponse } from './errorResponse.ts';
export { EventStream } from './eventStream.ts';
export { type Exposure, exposureProblem } from './exposure.ts';
export { type FlowResultView, type FlowTexts, withTexts } from './flowTexts.ts';
export { hostGuard, isAllowedHost, isLoopback } from './hostGuard.ts';
export { HttpError } from './httpError.ts';
export { escapeLogText, logLines } from './logText.ts';
export { type PublicEntry, publicEntry } from './publicEntry.ts';
export { publicResult } from './publicResult.ts';
export type { ServerApp } from './serverApp.ts';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './startServer.ts';
