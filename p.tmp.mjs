import { PGlite, protocol, parse } from '@electric-sql/pglite';
const { serialize } = protocol;
const db = await PGlite.create({ startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
await db.exec(`create table t (id int primary key, name text, at timestamp(3), data jsonb, big bigint); insert into t select i, 'n'||i, now(), '{"a":1}', i*1000 from generate_series(1,1000) i;`);
function concat(parts) { const len = parts.reduce((a, p) => a + p.length, 0); const out = new Uint8Array(len); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; }
async function fast(text, values) {
  const msg = concat([serialize.parse({ text }), serialize.bind({ values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
  return db.runExclusive(async () => {
    const { messages } = await db.execProtocol(msg, { syncToFs: false });
    return parse.parseResults(messages, {})[0];
  });
}
console.log(await fast('select * from t where id = $1', ['5']));
try { await fast('select * from nope where id = $1', ['5']); } catch (e) { console.log('error ok:', e.message, e.code); }
console.log(await fast('select * from t where id = $1', ['6']));
const N = 3000;
for (const [name, f] of [['query', (i) => db.query('select * from t where id = $1', [i % 1000 + 1])], ['fast', (i) => fast('select * from t where id = $1', [String(i % 1000 + 1)])], ['query', (i) => db.query('select * from t where id = $1', [i % 1000 + 1])], ['fast', (i) => fast('select * from t where id = $1', [String(i % 1000 + 1)])]]) {
  const t = performance.now(); for (let i = 0; i < N; i++) await f(i); console.log(name, ((performance.now() - t) / N * 1000).toFixed(0), 'µs/query');
}
for (const [name, f] of [['query-upd', (i) => db.query('update t set name = $2 where id = $1', [i % 1000 + 1, 'x'+i])], ['fast-upd', (i) => fast('update t set name = $2 where id = $1', [String(i % 1000 + 1), 'x'+i])]]) {
  const t = performance.now(); for (let i = 0; i < N; i++) await f(i); console.log(name, ((performance.now() - t) / N * 1000).toFixed(0), 'µs/query');
}
