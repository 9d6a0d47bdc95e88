# Every endpoint of the account, sorted by id.
data "retivo_webhook_endpoints" "all" {}

# Only active endpoints that receive order.created.
data "retivo_webhook_endpoints" "order_listeners" {
  active           = true
  subscribed_event = "order.created"
}

output "order_listener_urls" {
  value = data.retivo_webhook_endpoints.order_listeners.endpoints[*].url
}

output "endpoint_count" {
  value = length(data.retivo_webhook_endpoints.all.ids)
}
