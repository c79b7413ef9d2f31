import { describe, expect, it } from 'vitest'
import { date, duration, time, toFen, yuan } from './format'

describe('format', () => {
  it('shows office times as written, without converting zones', () => {
    expect(time('2026-11-30T23:30:00+08:00')).toBe('2026-11-30 23:30')
    expect(date('2026-11-30T23:30:00+08:00')).toBe('2026-11-30')
    expect(time(null)).toBe('')
  })

  it('says how long ago in days, hours and minutes', () => {
    expect(duration(45)).toBe('45 分')
    expect(duration(125)).toBe('2 小时 5 分')
    expect(duration(3000)).toBe('2 天 2 小时')
  })

  it('turns 分 into 元 and back without floating-point drift', () => {
    expect(yuan(4150)).toBe('41.50')
    expect(yuan(0)).toBe('0.00')
    expect(toFen('35.5')).toBe(3550)
    expect(toFen('0.29')).toBe(29)
    expect(toFen('')).toBe(0)
    expect(toFen('abc')).toBeNaN()
  })
})
