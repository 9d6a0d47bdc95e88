# Terraform 1.12 and later: import by resource identity.
import {
  to = retivo_webhook_endpoint.orders
  identity = {
    id = "we_0123456789abcdef01234567"
  }
}
