# Terraform 1.14 and later: `terraform query` lists endpoints, including those
# made outside Terraform; `terraform query -generate-config-out=endpoints.tf`
# writes import blocks and configuration for them.
list "retivo_webhook_endpoint" "all" {
  provider = retivo
}

list "retivo_webhook_endpoint" "paused_order_listeners" {
  provider = retivo

  config {
    active           = false
    subscribed_event = "order.created"
  }
}
