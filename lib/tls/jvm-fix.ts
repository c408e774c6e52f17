import { commonName, fingerprintSha256, toPem, defaultAlias } from '../trust/index.ts';
import type { ChainAnalysis, ChainCert } from './chain-analysis.ts';
import { oneLineDn, shortName, type JvmFix } from './report.ts';

/** The certificate the JVM needs as its anchor, and why this one (not blindly the leaf). */
export function chooseAnchor(analysis: ChainAnalysis): { entry: ChainCert; reason: string; serverFix?: string } | undefined {
  const trust = analysis.trust;
  const leaf = analysis.path[0];
  if (leaf === undefined) return undefined;
  switch (trust.kind) {
    case 'anchored':
      return undefined;
    case 'self-signed':
      return {
        entry: leaf,
        reason: "The server's certificate is self-signed, so it is its own anchor. Import it again whenever the server's certificate is replaced.",
      };
    case 'untrusted-root':
      return {
        entry: trust.root,
        reason: `"${shortName(trust.root)}" is the root the server sends; trusting it covers every certificate it issues, renewals included.`,
      };
    case 'missing-intermediate':
      return {
        entry: trust.missing,
        reason:
          `Java does not download missing intermediates. Until the server sends "${shortName(trust.missing)}", ` +
          'trusting that intermediate itself completes the path (Java accepts any truststore entry as an anchor).',
        serverFix: `Configure the server to send "${shortName(trust.missing)}" after its own certificate (the full chain file, not the certificate alone).`,
      };
    case 'unknown-issuer': {
      const issuer = commonName(trust.last.cert.issuer);
      if (trust.last === leaf) {
        return {
          entry: leaf,
          reason:
            `The issuer "${issuer}" is not available (the server does not send it and it could not be downloaded), so the server's ` +
            `own certificate is the only anchor at hand. Better: import "${issuer}"'s certificate from its administrator, which also covers renewals.`,
        };
      }
      return {
        entry: trust.last,
        reason: `"${shortName(trust.last)}" is the highest certificate available (its issuer "${issuer}" is not); Java accepts any truststore entry as an anchor, and it covers the server's renewals.`,
      };
    }
  }
}

/** The keytool commands that import `file` under `alias`: `-cacerts` (Java 9+) and `-keystore`. */
export function keytoolCommands(alias: string, file: string): { keytool: string; keytoolKeystore: string } {
  const common = `-importcert -noprompt -alias ${alias} -file ${file}`;
  return {
    keytool: `keytool ${common} -cacerts -storepass changeit`,
    keytoolKeystore: `keytool ${common} -keystore "$JAVA_HOME/lib/security/cacerts" -storepass changeit`,
  };
}

/** The fix for an untrusted peer: the anchor's PEM and the keytool commands; undefined when Java already trusts the chain. */
export function jvmFix(analysis: ChainAnalysis): JvmFix | undefined {
  const choice = chooseAnchor(analysis);
  if (choice === undefined) return undefined;
  const fingerprint = fingerprintSha256(choice.entry.cert);
  const alias = defaultAlias(choice.entry.cert.subject, fingerprint);
  const file = `${alias}.pem`;
  return {
    pem: toPem(choice.entry.cert),
    ...keytoolCommands(alias, file),
    alias,
    file,
    anchor: { subject: oneLineDn(choice.entry.cert.subject), fingerprintSha256: fingerprint },
    reason: choice.reason,
    ...(choice.serverFix === undefined ? {} : { serverFix: choice.serverFix }),
  };
}
