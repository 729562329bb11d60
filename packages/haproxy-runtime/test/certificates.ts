// Test material of the certificate checks (imported by their tests only).
// A self-signed EC certificate valid until 2126 (openssl req -x509 -days 36500), its key, another key, and
// its key encrypted (openssl pkcs8 -topk8): made once, kept here so the checks need no tool.
export const certificate = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBnTCCAUSgAwIBAgIUUdfE6AGyqn8oCaiavgdqy4rqZ9AwCgYIKoZIzj0EAwIw',
  'FzEVMBMGA1UEAwwMdW5pdC5leGFtcGxlMCAXDTI2MTIwMjEzMjk0NFoYDzIxMjYx',
  'MTA4MTMyOTQ0WjAXMRUwEwYDVQQDDAx1bml0LmV4YW1wbGUwWTATBgcqhkjOPQIB',
  'BggqhkjOPQMBBwNCAATAfiC0HAuIBJ1LyKUPwkjjQp4MmrbC25yQ+b9peN0TBaE1',
  'TZztAyi7Whit7d+eLrGouiinluOA7wT1FPmA4eB8o2wwajAdBgNVHQ4EFgQUx+cw',
  'nwrJtURAj1YXibkU/G87dZMwHwYDVR0jBBgwFoAUx+cwnwrJtURAj1YXibkU/G87',
  'dZMwDwYDVR0TAQH/BAUwAwEB/zAXBgNVHREEEDAOggx1bml0LmV4YW1wbGUwCgYI',
  'KoZIzj0EAwIDRwAwRAIgHtZzoKAmGEBxOyeG3hoxDr7Hf9W3emMFSaXSqul5aDwC',
  'IDWCbK86uvqyBLeqbY7gX46GpCcm9rvxWBTCGtEyK6lb',
  '-----END CERTIFICATE-----',
  '',
].join('\n');
export const key = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8nSIzOS8Y63ueog4',
  'MpxEviBsuzTSyPnEa72+GjPX9zahRANCAATAfiC0HAuIBJ1LyKUPwkjjQp4MmrbC',
  '25yQ+b9peN0TBaE1TZztAyi7Whit7d+eLrGouiinluOA7wT1FPmA4eB8',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');
export const otherKey = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgStiPVSzpMmkFunIo',
  'NGGR9H9jW6lrnNT+L2BfQEbMLKKhRANCAARehqTVx0kn/ZpoeLh8tcHu36JaS3WV',
  'bxC5sSs2cxX9dgJzJzlsMy8wm03xvtod79CXL2EnsCTJ/Ro62+WK95d/',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');
export const encryptedKey = [
  '-----BEGIN ENCRYPTED PRIVATE KEY-----',
  'MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhQEuMa5e6LLQICCAAw',
  'DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEELLbNQIRN6CLb/7Nq5UDc5kEgZBB',
  'jpD0KhtJJMaHzJWzHuB5GOFTCMR05qjyD3tL65AJj+47QH35UqJy6lZ2ndxu+Br3',
  'm5FOegmBXgbyPBQm/uqcRKeWEIMwDIndLcdp3xm56Z19Wnm8NyNokbw5tvMVZHGB',
  '9Cs0SF6f7h6H05ObYn4/9+bknnCDh2wRBvJtk08UHyfydBa52xgvxuMIJ3mfKCo=',
  '-----END ENCRYPTED PRIVATE KEY-----',
  '',
].join('\n');
