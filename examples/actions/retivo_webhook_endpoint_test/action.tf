# Terraform 1.14 and later. Sends one signed test event each time the action
# is invoked; it uses the provider block's credentials.
action "retivo_webhook_endpoint_test" "orders" {
  config {
    endpoint_id = retivo_webhook_endpoint.orders.id
  }
}

action "retivo_webhook_endpoint_test" "orders_report_only" {
  config {
    endpoint_id = retivo_webhook_endpoint.orders.id
    report_only = true # a failed delivery is a warning, not an error
  }
}

# Test the endpoint right after it is created or changed.
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://hooks.example.com/retivo/orders"
  subscribed_events = ["order.created"]

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.retivo_webhook_endpoint_test.orders]
    }
  }
}

# Or on demand: terraform apply -invoke=action.retivo_webhook_endpoint_test.orders_report_only
