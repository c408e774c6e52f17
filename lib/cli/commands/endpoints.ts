import { type Command, Option } from 'commander';
import { PROTOCOLS } from '../../tls/index.ts';
import type { AddOptions } from '../actions/endpoints.ts';
import { action, withJson } from '../output.ts';
import { integer } from './certs.ts';

const load = () => import('../actions/endpoints.ts');

/** `trustline endpoints add|list|show|check|remove`: the certificate targets Trustline checks every hour (/admin/endpoints at TRUSTLINE_URL). */
export function register(program: Command): void {
  const group = program.command('endpoints').description('certificate targets that Trustline checks every hour, with alerts on change');

  withJson(
    group
      .command('add')
      .description('add a target to check every hour')
      .argument('<HOST[:PORT]>', "the service; the port defaults to the protocol's usual one")
      .addOption(new Option('--protocol <protocol>', 'how to reach TLS').choices(PROTOCOLS).default('https'))
      .option('--servername <name>', 'the name to send (SNI) and match; defaults to HOST when HOST is a name')
      .option('--warn-days <n>', 'call a certificate expiring within this many days "expiring" (default 30)', integer(0, 3650)),
  ).action(action(async (target: string, options: AddOptions) => (await load()).addCommand(target, options)));

  withJson(group.command('list').description('list the targets with their latest verdict')).action(action(async () => (await load()).listCommand()));

  withJson(group.command('show').description('show one target and its latest result').argument('<id-or-host:port>')).action(
    action(async (given: string) => (await load()).showCommand(given)),
  );

  withJson(group.command('check').description('check a target now (exit 0 ok, 1 otherwise, like certs check)').argument('<id-or-host:port>')).action(
    action(async (given: string) => (await load()).checkCommand(given)),
  );

  withJson(group.command('remove').description('stop checking a target (exit 1 when nothing matched)').argument('<id-or-host:port>')).action(
    action(async (given: string) => (await load()).removeCommand(given)),
  );
}
