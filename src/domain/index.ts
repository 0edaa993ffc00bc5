export * from './channels';
export * from './messages';
export * from './events';
export * from './views';
export * from './thread-events';
