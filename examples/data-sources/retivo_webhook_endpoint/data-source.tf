variable "endpoint_id" {
  type        = string
  description = "The id of an existing webhook endpoint."
}

data "retivo_webhook_endpoint" "existing" {
  id = var.endpoint_id
}

output "existing_endpoint_events" {
  value = data.retivo_webhook_endpoint.existing.subscribed_events
}
