// Signing in to the real window, as a person at the desk would: the 创建管理员 screen
// of a new office, or the 登录 screen of one that has accounts.
import { Keys } from './webdriver.mjs'

/** Fill the sign-in screen (create: the new office's first administrator) and wait for the desk. */
export async function signIn(s, name, password, { create = false } = {}) {
  const screen = create ? 'create-admin' : 'sign-in'
  await s.waitFor(`document.querySelector('[data-test="${screen}"]')`, { timeout: 20000, what: `the ${screen} screen` })
  const field = async (test, value) => {
    // Element Plus puts the attribute on the <input> itself or on its wrapper.
    const css = `[data-test="${test}"] input, input[data-test="${test}"]`
    const input = await s.find(css)
    await input.click()
    await s.exec(`document.querySelector(arguments[0]).select()`, css)
    await input.sendKeys(value)
  }
  await field('sign-in-name', name)
  await field('sign-in-password', password)
  if (create) await field('sign-in-confirm', password)
  await s.type(Keys.ENTER)
  await s.waitFor(`document.querySelector('[data-test="dashboard"]')`, { timeout: 20000, what: 'the desk after signing in' })
}
