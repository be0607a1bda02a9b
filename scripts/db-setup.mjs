// `npm run db:setup`: creates the platform database if missing. Each service creates its own
// schema and runs its own migrations at boot (libs/database runMigrations, advisory-locked),
// so `npm start` needs nothing else.
import { ensureDatabase } from './lib/stack.mjs';

const url = await ensureDatabase();
console.log(`postgres: database ready (${url.replace(/\/\/[^@]*@/, '//…@')})`);
