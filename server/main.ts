/** The only module with side effects at load: read config, start, print where to go, stop cleanly. */
import { networkInterfaces } from 'node:os';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
    .map((address) => address?.address ?? '');
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`wirelab: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config);
  console.log(`Wirelab is listening on ${server.url}`);
  if (config.host === '0.0.0.0' || config.host === '::') {
    for (const address of lanAddresses())
      console.log(`  students on this network open http://${address}:${server.port}`);
  }

  const stop = (signal: string) => {
    console.log(`${signal}: closing connections (WebSockets 1001, SSE ended, long polls answered)`);
    server.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('wirelab failed to start', error);
  process.exit(1);
});
