/** Credentials for loopback peers: the SDK signs requests with them; no real AWS account is involved. */
export const fakeCredentials = { accessKeyId: 'AKIDTESTTRUSTLINE', secretAccessKey: 'test-secret-access-key' } as const;

export const testRegion = 'us-east-1';
