# Parley identity verification, on your server (Ruby).
# Pass the result to Parley.identify({email, signature}) in the page you serve
# to a signed-in user. Never send the secret itself to the browser.
require "openssl"

# hex(HMAC-SHA256(secret, email))
def parley_signature(email, secret = ENV.fetch("PARLEY_IDENTITY_SECRET"))
  OpenSSL::HMAC.hexdigest("SHA256", secret, email)
end

# PARLEY_IDENTITY_SECRET=... ruby sign.rb user@example.com
puts parley_signature(ARGV[0]) if $PROGRAM_NAME == __FILE__
