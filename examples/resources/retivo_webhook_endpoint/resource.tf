# An endpoint that receives order events.
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://hooks.example.com/retivo/orders"
  description       = "Order events for the warehouse"
  subscribed_events = ["order.created", "order.paid", "order.refunded"]
}

# A paused endpoint: nothing is delivered until active is true again.
resource "retivo_webhook_endpoint" "audit" {
  url    = "https://audit.example.com/retivo"
  active = false

  timeouts {
    create = "2m"
  }
}

# Rotate the signing secret by replacing the endpoint whenever the rotation
# marker changes (or run: terraform apply -replace=retivo_webhook_endpoint.rotated).
# create_before_destroy makes the new endpoint (and secret) exist before the
# old one is deleted, so no event goes undelivered in between.
resource "terraform_data" "orders_secret_rotation" {
  input = "2026-11"
}

resource "retivo_webhook_endpoint" "rotated" {
  url               = "https://hooks.example.com/retivo/rotated"
  subscribed_events = ["order.created"]

  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.orders_secret_rotation]
  }
}

# Hand the secret to the receiving service; it stays sensitive.
output "orders_signing_secret" {
  value     = retivo_webhook_endpoint.orders.secret
  sensitive = true
}
