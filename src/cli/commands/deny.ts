// `hkubectl deny ID --reason …`.
import type { Command } from 'commander';
import { reviewCommand } from './review.ts';

export default function command(): Command {
  return reviewCommand('deny');
}
