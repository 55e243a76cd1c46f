export * from './account';
export * from './server';
