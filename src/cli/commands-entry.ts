// Entry of the own-commands bundle (dist/commands/commands-entry.js), loaded by main.ts on demand.
export { runOwnCommand } from './own-command.ts';
export { printOwnHelp } from './own-help.ts';
export { printOwnVersion } from './own-version.ts';
export { answerCompletion, printCompletionScript } from './completion/run-complete.ts';
