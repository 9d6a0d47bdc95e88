# Credentials come from RETIVO_API_KEY / RETIVO_BASE_URL: functions cannot see
# the provider block. A call sends a real test event (one per endpoint
# version and provider process).
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://hooks.example.com/retivo/orders"
  subscribed_events = ["order.created"]
}

# A CI gate: warns on plan and apply when the receiver does not accept events.
# Pass the endpoint itself: the check then tests it once, after any change,
# and never fails an apply.
check "orders_endpoint_accepts_deliveries" {
  assert {
    condition     = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders).success
    error_message = "The orders webhook endpoint did not accept a test delivery."
  }
}

# The delivery report: { success, status, status_text, error }. It is
# sensitive because the endpoint object holds the secret.
output "orders_test_delivery" {
  value     = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders)
  sensitive = true
}

# Without the environment variables, pass the credentials (and a timeout)
# explicitly.
variable "retivo_api_key" {
  type      = string
  sensitive = true
  default   = "rt_test_replace_me"
}

check "orders_endpoint_accepts_deliveries_explicit" {
  assert {
    condition = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders, {
      api_key  = var.retivo_api_key
      base_url = "https://retivo.ai/api"
      timeout  = "30s"
    }).success
    error_message = "The orders webhook endpoint did not accept a test delivery."
  }
}
