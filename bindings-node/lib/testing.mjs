// `imcloud/testing` as an ES module: the CommonJS module's very objects (lib/testing.js).
import testing from './testing.js'

export const { Emulator } = testing

export default testing
