import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, SecureVersion, Server } from 'node:tls';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, httpsFromEnv, httpsServerOptions } from './index';

/**
 * A listener with TLS_CERT_FILE/TLS_KEY_FILE serves HTTPS on its port and refuses TLS < 1.2.
 * OpenSSL 3 clients refuse TLS 1.0/1.1 themselves at the default security level, so the old
 * client here lowers it (@SECLEVEL=0) and first proves it *can* complete a TLS 1.1 handshake
 * against a server that allows it: the refusal below is then the server's.
 */
describe('HTTPS listener (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  let dir: string;
  let files: { certFile: string; keyFile: string };
  let app: NestFastifyApplication;
  let port: number;

  @Controller()
  class PingController {
    @Get('ping')
    ping(): { ok: true } {
      return { ok: true };
    }
  }
  @Module({ controllers: [PingController] })
  class PingModule {}

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'https-'));
    files = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', files.keyFile, '-out', files.certFile], { stdio: 'ignore' });
    app = await createHttpApp(PingModule, { logLevel: 'silent', https: httpsFromEnv({ TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile }) });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  }, 30000);

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Handshake with exactly one protocol version; resolves the negotiated one or the error code. */
  function handshake(targetPort: number, version: SecureVersion): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect({
        host: '127.0.0.1', port: targetPort, minVersion: version, maxVersion: version,
        ca: readFileSync(files.certFile), servername: 'localhost',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      socket.once('secureConnect', () => {
        resolve(socket.getProtocol() ?? 'unknown');
        socket.end();
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      socket.setTimeout(5000, () => {
        resolve('timeout');
        socket.destroy();
      });
    });
  }

  it('answers HTTPS requests on its port', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(files.certFile), servername: 'localhost' }, () => {
        socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(body).toMatch(/^HTTP\/1\.1 200/);
    expect(body).toContain('{"ok":true}');
  });

  it('accepts TLS 1.2 and TLS 1.3', async () => {
    expect(await handshake(port, 'TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake(port, 'TLSv1.3')).toBe('TLSv1.3');
  });

  it('refuses TLS 1.1 (and the same client does complete TLS 1.1 with a server that allows it)', async () => {
    const permissive: Server = createServer({
      cert: readFileSync(files.certFile), key: readFileSync(files.keyFile), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0',
    }, (s) => s.end());
    await new Promise<void>((r) => permissive.listen(0, '127.0.0.1', r));
    try {
      expect(await handshake((permissive.address() as AddressInfo).port, 'TLSv1.1')).toBe('TLSv1.1');
    } finally {
      await new Promise((r) => permissive.close(r));
    }
    // the server's alert: protocol_version
    expect(await handshake(port, 'TLSv1.1')).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('sets minVersion TLSv1.2 itself rather than relying on the defaults', () => {
    // OpenSSL 3's default security level also refuses TLS < 1.2 (a server with minVersion TLSv1
    // but default ciphers still refuses above), and Node's DEFAULT_MIN_VERSION can be lowered
    // by a flag (--tls-min-v1.0): the listener does not depend on either.
    expect(httpsServerOptions(files).minVersion).toBe('TLSv1.2');
  });
});
