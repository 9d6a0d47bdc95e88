# The demo `make demo` applies against the local Retivo server. It reads
# RETIVO_API_KEY and RETIVO_BASE_URL from the environment the demo sets.
terraform {
  required_providers {
    retivo = {
      source = "retivo/retivo"
    }
  }
}

provider "retivo" {}

variable "receiver_url" {
  type        = string
  description = "Where the local webhook receiver listens."
}

resource "retivo_webhook_endpoint" "orders" {
  url               = "${var.receiver_url}/orders"
  description       = "Order events for the warehouse"
  subscribed_events = ["order.created", "order.paid", "order.refunded"]
}

resource "retivo_webhook_endpoint" "audit" {
  url         = "${var.receiver_url}/audit"
  description = "Audit trail, paused"
  active      = false
}

data "retivo_webhook_endpoint" "orders" {
  id = retivo_webhook_endpoint.orders.id
}

data "retivo_webhook_endpoints" "order_listeners" {
  subscribed_event = "order.created"
  depends_on       = [retivo_webhook_endpoint.orders, retivo_webhook_endpoint.audit]
}

output "endpoint_ids" {
  value = {
    orders = retivo_webhook_endpoint.orders.id
    audit  = retivo_webhook_endpoint.audit.id
  }
}

output "orders_events" {
  value = data.retivo_webhook_endpoint.orders.subscribed_events
}

output "order_listener_ids" {
  value = data.retivo_webhook_endpoints.order_listeners.ids
}

# The endpoint object holds the secret, so the report is sensitive; it holds
# no secret itself, so the demo shows it.
output "orders_test_delivery" {
  value = nonsensitive(provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders))
}

output "orders_signing_secret" {
  value     = retivo_webhook_endpoint.orders.secret
  sensitive = true
}

# The CI gate: every plan and apply sends the orders endpoint a signed test
# event, with the provider block's settings; a failed delivery, or an error
# of the test call, is a warning that never fails the run.
check "orders_endpoint_delivers" {
  data "retivo_webhook_endpoint_test" "orders" {
    endpoint_id = retivo_webhook_endpoint.orders.id
  }

  assert {
    condition     = data.retivo_webhook_endpoint_test.orders.success
    error_message = "Retivo's test event to ${retivo_webhook_endpoint.orders.url} failed: ${data.retivo_webhook_endpoint_test.orders.error}"
  }
}
