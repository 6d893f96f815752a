'use strict'
// `imcloud/testing` in a build without the emulator (no `testing` feature) says how to get it.
const test = require('node:test')
const assert = require('node:assert/strict')
const native = require('../native.js')
const { Emulator } = require('../lib/testing')

test('a build without the emulator says which feature it needs', () => {
  const saved = Object.getOwnPropertyDescriptor(native, 'EmulatorHandle')
  assert.ok(saved, 'this build has the emulator')
  Object.defineProperty(native, 'EmulatorHandle', { value: undefined, configurable: true, writable: true })
  try {
    assert.throws(() => new Emulator(), /build with the `testing` feature/)
  } finally {
    Object.defineProperty(native, 'EmulatorHandle', saved)
  }
})

test('this build has the emulator', () => {
  const emu = new Emulator({ hosts: 1 })
  try {
    assert.equal(emu.hosts.length, 1)
  } finally {
    emu.stop()
  }
})
