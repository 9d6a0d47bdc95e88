import {
  to = retivo_webhook_endpoint.orders
  id = "we_0123456789abcdef01234567"
}
