// Re-exports like apps/dispatcher's migrations index: the loader must not run them twice.
export { CreateWidgets1700000000000 } from './1700000000000-CreateWidgets';
export { WidgetNames1700000000001 } from './1700000000001-WidgetNames';
export const NOT_A_MIGRATION = 42;
