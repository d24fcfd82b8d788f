<?php
// Parley identity verification, on your server (PHP 7+).
// Pass the result to Parley.identify({email, signature}) in the page you serve
// to a signed-in user. Never send the secret itself to the browser.

/** hex(HMAC-SHA256(secret, email)) */
function parley_signature(string $email, ?string $secret = null): string {
    $secret = $secret ?? getenv('PARLEY_IDENTITY_SECRET');
    return hash_hmac('sha256', $email, $secret);
}

// PARLEY_IDENTITY_SECRET=... php sign.php user@example.com
if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    echo parley_signature($argv[1]), "\n";
}
