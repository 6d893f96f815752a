// The ES module entry of `imcloud/testing` (lib/testing.mjs): the same declarations as lib/testing.d.ts.
import * as testing from './testing.js'

export * from './testing.js'
export default testing
