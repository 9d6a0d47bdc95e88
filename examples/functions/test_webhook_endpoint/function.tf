# Credentials come from RETIVO_API_KEY / RETIVO_BASE_URL: functions cannot see
# the provider block. Every call sends a real test event.
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://hooks.example.com/retivo/orders"
  subscribed_events = ["order.created"]
}

# The delivery report: { success, status, status_text, error }.
output "orders_test_delivery" {
  value = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders.id)
}

# A CI gate: warns on plan and apply when the receiver does not accept events.
check "orders_endpoint_accepts_deliveries" {
  assert {
    condition     = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders.id).success
    error_message = "The orders webhook endpoint did not accept a test delivery."
  }
}

# Without the environment variables, pass the credentials explicitly.
variable "retivo_api_key" {
  type      = string
  sensitive = true
  default   = "rt_test_replace_me"
}

output "orders_test_delivery_explicit" {
  value = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders.id, {
    api_key  = var.retivo_api_key
    base_url = "https://retivo.ai/api"
  })
  sensitive = true
}
