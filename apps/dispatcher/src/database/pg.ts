export { Pg } from '@wabridge/database';
