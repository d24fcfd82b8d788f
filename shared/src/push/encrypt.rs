//! Message encryption for Web Push (RFC 8291) in the `aes128gcm` content
//! coding (RFC 8188): one record, keyed by ECDH between a one-use sender key
//! and the browser's `p256dh`, mixed with its `auth` secret and a random salt.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::SecretKey;
use sha2::Sha256;

use super::subscription::{SubscriptionKeys, AUTH_SECRET_LEN};
use super::{public_bytes, secret_key, PAYLOAD_TOO_LARGE, PRIVATE_KEY_LEN, PUBLIC_KEY_LEN};
use crate::Invalid;

/// Length of the salt (RFC 8188 §2.1).
pub const SALT_LEN: usize = 16;
/// The record size the header declares (RFC 8291 §4 and its example: 4096, one record).
pub const RECORD_SIZE: u32 = 4096;
/// The header's length: salt, record size (4), key id length (1), sender public key.
pub const HEADER_LEN: usize = SALT_LEN + 4 + 1 + PUBLIC_KEY_LEN;
/// AES-GCM's authentication tag.
const TAG_LEN: usize = 16;
/// The largest body a push service must accept (RFC 8291 §4, RFC 8030 §7.2).
pub const MAX_BODY_LEN: usize = 4096;
/// The largest plaintext that fits: the body less the header, the tag and the delimiter (3993).
pub const MAX_PLAINTEXT_LEN: usize = MAX_BODY_LEN - HEADER_LEN - TAG_LEN - 1;
/// The `Content-Encoding` of the body (RFC 8188 §2).
pub const CONTENT_ENCODING: &str = "aes128gcm";

/// The delimiter after the last record's plaintext (RFC 8188 §2).
const LAST_RECORD: u8 = 0x02;
/// `key_info`'s label (RFC 8291 §3.4).
const KEY_INFO: &[u8] = b"WebPush: info\0";
/// The content encryption key's info (RFC 8188 §2.2).
const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
/// The nonce's info (RFC 8188 §2.3).
const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";

/// What one message needs that must be new each time (RFC 8291 §3.1, RFC 8188
/// §2.1): the sender's ECDH key pair and the salt.
pub struct MessageSecrets {
    sender: SecretKey,
    salt: [u8; SALT_LEN],
}

impl MessageSecrets {
    /// From 48 fresh random bytes (the caller's `getrandom`): a key, then the salt.
    pub fn from_random(random: &[u8; PRIVATE_KEY_LEN + SALT_LEN]) -> Result<Self, Invalid> {
        let (key, salt) = random.split_at(PRIVATE_KEY_LEN);
        Self::new(
            key.try_into().expect("32 bytes"),
            salt.try_into().expect("16 bytes"),
        )
    }

    /// From a known private key and salt (RFC 8291's example in tests).
    pub fn new(sender: &[u8; PRIVATE_KEY_LEN], salt: &[u8; SALT_LEN]) -> Result<Self, Invalid> {
        Ok(Self {
            sender: secret_key(sender)?,
            salt: *salt,
        })
    }

    /// The sender's public key (`as_public`), the header's key id.
    pub fn sender_public(&self) -> [u8; PUBLIC_KEY_LEN] {
        public_bytes(&self.sender)
    }
}

/// Encrypts `plaintext` for `receiver`: the `aes128gcm` body (header, then
/// one record, no padding), at most [`MAX_BODY_LEN`] bytes.
pub fn encrypt(
    plaintext: &[u8],
    receiver: &SubscriptionKeys,
    secrets: &MessageSecrets,
) -> Result<Vec<u8>, Invalid> {
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(PAYLOAD_TOO_LARGE);
    }
    let shared = p256::ecdh::diffie_hellman(
        secrets.sender.to_nonzero_scalar(),
        receiver.public_key().as_affine(),
    );
    let as_public = secrets.sender_public();
    let keys = derive(
        shared.raw_secret_bytes(),
        receiver.auth_secret(),
        &receiver.public_bytes(),
        &as_public,
        &secrets.salt,
    );
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(LAST_RECORD);
    let sealed = Aes128Gcm::new(&keys.cek.into())
        .encrypt(Nonce::from_slice(&keys.nonce), record.as_slice())
        .map_err(|_| PAYLOAD_TOO_LARGE)?;
    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(&secrets.salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(PUBLIC_KEY_LEN as u8);
    body.extend_from_slice(&as_public);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// The record's key and nonce (RFC 8188 §2.2–2.3).
struct RecordKeys {
    /// The content encryption key, 16 bytes.
    cek: [u8; 16],
    /// The first (only) record's nonce, 12 bytes.
    nonce: [u8; 12],
}

/// What HKDF-SHA-256 can always expand to.
const FITS: &str = "HKDF-SHA-256 expands to at most 8160 bytes";

/// Derives the record's key and nonce from the ECDH secret (RFC 8291 §3.3–3.4).
fn derive(
    ecdh_secret: &[u8],
    auth: &[u8; AUTH_SECRET_LEN],
    ua_public: &[u8; PUBLIC_KEY_LEN],
    as_public: &[u8; PUBLIC_KEY_LEN],
    salt: &[u8; SALT_LEN],
) -> RecordKeys {
    let (_, ikm) = combine(ecdh_secret, auth, &key_info(ua_public, as_public));
    record_keys(&ikm, salt).1
}

/// `key_info = "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public` (RFC 8291 §3.4).
fn key_info(ua_public: &[u8; PUBLIC_KEY_LEN], as_public: &[u8; PUBLIC_KEY_LEN]) -> Vec<u8> {
    let mut info = Vec::with_capacity(KEY_INFO.len() + 2 * PUBLIC_KEY_LEN);
    info.extend_from_slice(KEY_INFO);
    info.extend_from_slice(ua_public);
    info.extend_from_slice(as_public);
    info
}

/// RFC 8291 §3.4: `PRK_key = HMAC-SHA-256(auth_secret, ecdh_secret)`, then
/// `IKM = HKDF-Expand(PRK_key, key_info, 32)`; both, in that order.
fn combine(ecdh_secret: &[u8], auth: &[u8], key_info: &[u8]) -> ([u8; 32], [u8; 32]) {
    let (prk_key, hkdf) = Hkdf::<Sha256>::extract(Some(auth), ecdh_secret);
    let mut ikm = [0u8; 32];
    hkdf.expand(key_info, &mut ikm).expect(FITS);
    (prk_key.into(), ikm)
}

/// RFC 8188 §2.2–2.3: `PRK = HMAC-SHA-256(salt, IKM)`, then the key and the
/// nonce expanded from it; `PRK` too.
fn record_keys(ikm: &[u8; 32], salt: &[u8; SALT_LEN]) -> ([u8; 32], RecordKeys) {
    let (prk, hkdf) = Hkdf::<Sha256>::extract(Some(salt), ikm);
    let mut keys = RecordKeys {
        cek: [0; 16],
        nonce: [0; 12],
    };
    hkdf.expand(CEK_INFO, &mut keys.cek).expect(FITS);
    hkdf.expand(NONCE_INFO, &mut keys.nonce).expect(FITS);
    (prk.into(), keys)
}

#[cfg(test)]
/// The receiving browser's side (RFC 8291 §3.4, RFC 8188 §2): its private
/// key and auth secret read what was sent; `None` when anything is off.
pub(super) fn decrypt(body: &[u8], ua_private: &[u8; 32], auth: &[u8; 16]) -> Option<Vec<u8>> {
    let (salt, rest) = body.split_first_chunk::<SALT_LEN>()?;
    let (rs, rest) = rest.split_first_chunk::<4>()?;
    let (&idlen, rest) = rest.split_first()?;
    let (keyid, record) = rest.split_at_checked(usize::from(idlen))?;
    if (u32::from_be_bytes(*rs) as usize) < record.len() || idlen as usize != PUBLIC_KEY_LEN {
        return None;
    }
    let ua = SecretKey::from_bytes(ua_private.into()).ok()?;
    let as_public = p256::PublicKey::from_sec1_bytes(keyid).ok()?;
    let shared = p256::ecdh::diffie_hellman(ua.to_nonzero_scalar(), as_public.as_affine());
    let keys = derive(
        shared.raw_secret_bytes(),
        auth,
        &public_bytes(&ua),
        keyid.try_into().ok()?,
        salt,
    );
    let mut padded = Aes128Gcm::new(&keys.cek.into())
        .decrypt(Nonce::from_slice(&keys.nonce), record)
        .ok()?;
    // Strip the padding: zeros back to the last record's delimiter.
    while padded.last() == Some(&0) {
        padded.pop();
    }
    (padded.pop()? == LAST_RECORD).then_some(padded)
}

#[cfg(test)]
mod tests {
    use super::super::{b64url, from_b64url};
    use super::*;

    /// RFC 8291 Section 5 and Appendix A, the published example, in base64url.
    mod rfc {
        pub const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
        pub const AS_PUBLIC: &str =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
        pub const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
        pub const UA_PUBLIC: &str =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
        pub const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
        pub const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
        pub const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
        pub const ECDH_SECRET: &str = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
        pub const KEY_INFO: &str = "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujwa7t45ewP";
        pub const PRK_KEY: &str = "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k";
        pub const IKM: &str = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
        pub const PRK: &str = "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc";
        pub const CEK_INFO: &str = "Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAA";
        pub const CEK: &str = "oIhVW04MRdy2XN9CiKLxTg";
        pub const NONCE_INFO: &str = "Q29udGVudC1FbmNvZGluZzogbm9uY2UA";
        pub const NONCE: &str = "4h_95klXJ5E_qnoN";
        pub const HEADER: &str =
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
        pub const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
    }

    fn bytes<const N: usize>(b64: &str) -> [u8; N] {
        from_b64url(b64).unwrap().try_into().unwrap()
    }

    fn rfc_secrets() -> MessageSecrets {
        MessageSecrets::new(&bytes(rfc::AS_PRIVATE), &bytes(rfc::SALT)).unwrap()
    }

    fn rfc_receiver() -> SubscriptionKeys {
        SubscriptionKeys::new(rfc::UA_PUBLIC, rfc::AUTH).unwrap()
    }

    #[test]
    fn the_keys_derive_to_rfc_8291_appendix_a_step_by_step() {
        let secrets = rfc_secrets();
        assert_eq!(b64url(&secrets.sender_public()), rfc::AS_PUBLIC);
        let receiver = rfc_receiver();
        let shared = p256::ecdh::diffie_hellman(
            secrets.sender.to_nonzero_scalar(),
            receiver.public_key().as_affine(),
        );
        assert_eq!(b64url(shared.raw_secret_bytes()), rfc::ECDH_SECRET);
        let info = key_info(&bytes(rfc::UA_PUBLIC), &bytes(rfc::AS_PUBLIC));
        assert_eq!(b64url(&info), rfc::KEY_INFO);
        let (prk_key, ikm) = combine(shared.raw_secret_bytes(), &bytes::<16>(rfc::AUTH), &info);
        assert_eq!(b64url(&prk_key), rfc::PRK_KEY);
        assert_eq!(b64url(&ikm), rfc::IKM);
        let (prk, keys) = record_keys(&ikm, &bytes(rfc::SALT));
        assert_eq!(b64url(&prk), rfc::PRK);
        assert_eq!(b64url(CEK_INFO), rfc::CEK_INFO);
        assert_eq!(b64url(&keys.cek), rfc::CEK);
        assert_eq!(b64url(NONCE_INFO), rfc::NONCE_INFO);
        assert_eq!(b64url(&keys.nonce), rfc::NONCE);
    }

    #[test]
    fn the_rfc_8291_example_encrypts_to_its_published_body_byte_for_byte() {
        let body = encrypt(rfc::PLAINTEXT.as_bytes(), &rfc_receiver(), &rfc_secrets()).unwrap();
        assert_eq!(b64url(&body[..HEADER_LEN]), rfc::HEADER);
        assert_eq!(b64url(&body), rfc::BODY);
        assert_eq!(body.len(), HEADER_LEN + rfc::PLAINTEXT.len() + 1 + TAG_LEN);
    }

    #[test]
    fn the_rfc_8291_receiver_decrypts_the_body_and_nothing_else() {
        let (ua, auth) = (bytes(rfc::UA_PRIVATE), bytes(rfc::AUTH));
        let body = encrypt(rfc::PLAINTEXT.as_bytes(), &rfc_receiver(), &rfc_secrets()).unwrap();
        assert_eq!(
            decrypt(&body, &ua, &auth).unwrap(),
            rfc::PLAINTEXT.as_bytes()
        );
        // The published body itself, to check the decryption against the RFC and not only against us.
        let published = from_b64url(rfc::BODY).unwrap();
        assert_eq!(
            decrypt(&published, &ua, &auth).unwrap(),
            rfc::PLAINTEXT.as_bytes()
        );
        // One flipped bit anywhere in the record, or the wrong auth secret, and nothing reads.
        let mut tampered = body.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(decrypt(&tampered, &ua, &auth), None);
        assert_eq!(decrypt(&body, &ua, &[0; 16]), None);
    }

    #[test]
    fn fresh_secrets_round_trip_and_never_repeat_a_body() {
        let receiver = rfc_receiver();
        let (ua, auth) = (bytes(rfc::UA_PRIVATE), bytes(rfc::AUTH));
        let text = "Ana: Is the jasmine tea back in stock? 🍵";
        let first = MessageSecrets::from_random(&[0x11; 48]).unwrap();
        let second = MessageSecrets::from_random(&[0x22; 48]).unwrap();
        let a = encrypt(text.as_bytes(), &receiver, &first).unwrap();
        let b = encrypt(text.as_bytes(), &receiver, &second).unwrap();
        assert_ne!(a, b);
        assert_eq!(
            a[..SALT_LEN],
            [0x11; SALT_LEN],
            "the salt is the last 16 random bytes"
        );
        assert_eq!(
            a[HEADER_LEN - PUBLIC_KEY_LEN..HEADER_LEN],
            first.sender_public()
        );
        for body in [a, b] {
            assert_eq!(decrypt(&body, &ua, &auth).unwrap(), text.as_bytes());
        }
        assert_eq!(
            MessageSecrets::from_random(&[0; 48]).err(),
            Some(super::super::KEY_INVALID)
        );
    }

    #[test]
    fn the_largest_payload_fills_4096_bytes_and_one_more_is_refused() {
        let (receiver, secrets) = (rfc_receiver(), rfc_secrets());
        let largest = vec![b'x'; MAX_PLAINTEXT_LEN];
        let body = encrypt(&largest, &receiver, &secrets).unwrap();
        assert_eq!(body.len(), MAX_BODY_LEN);
        let (ua, auth) = (bytes(rfc::UA_PRIVATE), bytes(rfc::AUTH));
        assert_eq!(decrypt(&body, &ua, &auth).unwrap(), largest);
        let over = vec![b'x'; MAX_PLAINTEXT_LEN + 1];
        assert_eq!(encrypt(&over, &receiver, &secrets), Err(PAYLOAD_TOO_LARGE));
        assert_eq!(
            decrypt(&encrypt(b"", &receiver, &secrets).unwrap(), &ua, &auth).unwrap(),
            b""
        );
    }
}
