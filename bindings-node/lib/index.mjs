// imcloud as an ES module: the CommonJS module's very objects (lib/index.js) as named exports, so
// `import { RongCloud, InvalidArgumentError } from 'imcloud'` and `require('imcloud')` give the
// same classes (instanceof works across both). The catalogue's classes come from generated.mjs;
// test/esm.test.mjs checks that this list and the CommonJS exports are the same.
import imcloud from './index.js'

export * from './generated.mjs'

export const {
  RongCloud,
  Easemob,
  AgoraChat,
  Result,
  ListResult,
  Item,
  DownloadResult,
  catalogue,
  rongcloudSignature,
  errors,
  ImcloudError,
  InvalidArgumentError,
  ConfigError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  QuotaExceededError,
  ApiError,
  ServerError,
  ConnectError,
  TimeoutError,
  NetworkError,
  DecodeError,
  IoError,
  InternalError,
  FileError,
  ERROR_CLASSES,
  fromNative,
} = imcloud

export default imcloud
