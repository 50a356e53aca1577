// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL macro syntax here
import { describe, expect, it } from 'vitest'
import { type BindParams, bindQuery } from '../../../src/render/bind-query.ts'

const from = new Date('2025-06-01T00:00:00Z')
const to = new Date('2025-06-08T00:00:00Z')
const params = (variables: BindParams['variables'] = {}): BindParams => ({
  from,
  to,
  intervalSeconds: 3600,
  variables,
})

describe('bindQuery', () => {
  it('binds the time range as timestamptz placeholders', () => {
    const q = bindQuery('SELECT * FROM t WHERE ts >= $__from AND ts < $__to', params())
    expect(q.text).toBe('SELECT * FROM t WHERE ts >= $1::timestamptz AND ts < $2::timestamptz')
    expect(q.values).toEqual([from, to])
  })

  it('binds the interval as an interval, seconds or milliseconds', () => {
    const q = bindQuery('SELECT $__interval, $__interval_s, $__interval_ms', params())
    expect(q.text).toBe('SELECT $1::interval, $2::integer, $3::bigint')
    expect(q.values).toEqual(['3600 seconds', 3600, 3_600_000])
  })

  it('reuses the placeholder of a repeated name', () => {
    const q = bindQuery(
      'SELECT ${country}, $country, $__from, ${ country }, $__from',
      params({ country: 'France' }),
    )
    expect(q.text).toBe('SELECT $1, $1, $2::timestamptz, $1, $2::timestamptz')
    expect(q.values).toEqual(['France', from])
  })

  it('binds a multi-value variable as one array value', () => {
    const q = bindQuery('WHERE country = ANY(${countries})', params({ countries: ['DE', 'FR'] }))
    expect(q.text).toBe('WHERE country = ANY($1)')
    expect(q.values).toEqual([['DE', 'FR']])
  })

  it('keeps an injection attempt as a bound value, never as SQL', () => {
    const evil = "'; DROP TABLE orders; --"
    const q = bindQuery(
      "SELECT * FROM orders WHERE country = '${country}'",
      params({ country: evil }),
    )
    expect(q.text).toBe('SELECT * FROM orders WHERE country = $1')
    expect(q.text).not.toContain('DROP')
    expect(q.values).toEqual([evil])
  })

  it('turns a quoted bare $name of a known variable into a placeholder', () => {
    const q = bindQuery("WHERE plan = '$plan' AND note = '$USD'", params({ plan: 'pro' }))
    expect(q.text).toBe("WHERE plan = $1 AND note = '$USD'")
  })

  it('leaves comments, literals, quoted identifiers and dollar quotes untouched', () => {
    const sql = [
      'SELECT 1 -- uses ${country} and $__from',
      "/* outer /* nested ${x} */ still $y */ , 'price in $usd and ${z}'",
      ", E'it\\'s ${esc}', \"col$name\", $$ body $__to $$, $fn$ ${q} $fn$",
      ', tab$col, ${country}',
    ].join('\n')
    const q = bindQuery(sql, params({ country: 'IT' }))
    expect(q.text).toBe(sql.replace(', ${country}', ', $1'))
    expect(q.values).toEqual(['IT'])
  })

  it('names an unknown variable in its error', () => {
    expect(() => bindQuery('SELECT ${missing}', params())).toThrow(/missing/)
    expect(() => bindQuery('SELECT $nope', params())).toThrow(/nope/)
  })

  it('refuses positional parameters the author wrote', () => {
    expect(() => bindQuery('SELECT $1', params())).toThrow(/Positional/)
  })

  it('runs against a real statement shape without splicing', () => {
    const q = bindQuery(
      "SELECT count(*) FROM t WHERE c = ANY(${c}) AND d = '${d}' AND ts > $__from",
      params({ c: ['a', "b'--"], d: 'x' }),
    )
    expect(q.text).toBe(
      'SELECT count(*) FROM t WHERE c = ANY($1) AND d = $2 AND ts > $3::timestamptz',
    )
    expect(q.values).toEqual([['a', "b'--"], 'x', from])
  })
})
