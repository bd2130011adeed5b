export { MESSAGES_DOOR } from '@switchyard/adapter-kit';
export type { CountMessagesTokens, CountMessagesTokensCall } from './count-tokens-route.js';
export { type MessagesDoorOptions, messagesDoor } from './messages-door.js';
