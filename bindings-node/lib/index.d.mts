// The ES module entry (lib/index.mjs): the same declarations as the CommonJS one.
import * as imcloud from './index.js'

export * from './index.js'
export default imcloud
