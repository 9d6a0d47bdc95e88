package localserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

const (
	maxURLLength         = 2048
	maxDescriptionLength = 1024
	maxEventLength       = 128
	maxEvents            = 100
)

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := make([]map[string]any, 0, len(s.store.endpoints))
	for _, e := range s.store.inMode(isLive(r)) {
		obj := s.render(e)
		obj["updated_at"] = e.UpdatedAt.Format(timeFormat)
		list = append(list, obj)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"endpoints": list, "has_more": false})
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	fields, status, msg := decodeFields(r, true)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	live := isLive(r)
	s.mu.Lock()
	if s.opts.MaxEndpoints > 0 && len(s.store.inMode(live)) >= s.opts.MaxEndpoints {
		s.mu.Unlock()
		writeJSON(w, http.StatusForbidden, map[string]string{
			"error": fmt.Sprintf("Your current plan allows at most %d webhook endpoints. Delete an endpoint or upgrade your plan.",
				s.opts.MaxEndpoints),
			"upgrade_to": s.opts.UpgradeTo,
		})
		return
	}
	now := s.store.stamp(s.opts.Now())
	s.store.seq++
	e := &Endpoint{
		ID: newID(), Secret: newSecret(), Active: true, Live: live,
		CreatedAt: now, UpdatedAt: now, seq: s.store.seq,
	}
	fields.apply(e)
	s.store.endpoints[e.ID] = e
	obj := s.render(e)
	obj["secret"] = e.Secret
	err := s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"endpoint": obj})
}

func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	fields, status, msg := decodeFields(r, false)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	s.mu.Lock()
	e, ok := s.store.find(id, isLive(r))
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, fmt.Sprintf("webhook endpoint %q not found", id))
		return
	}
	// PUT merges: fields left out of the body keep their value.
	fields.apply(e)
	e.UpdatedAt = s.store.stamp(s.opts.Now())
	obj := s.render(e)
	obj["updated_at"] = e.UpdatedAt.Format(timeFormat)
	delete(obj, "created_at")
	err := s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"endpoint": obj})
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.store.find(id, isLive(r))
	var err error
	if ok {
		delete(s.store.endpoints, id)
		err = s.saveLocked()
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("webhook endpoint %q not found", id))
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
}

// render is the endpoint object of the API, without secret and updated_at
// (which only some answers carry), with the extra fields a real service adds.
// An endpoint registered without subscribed_events answers
// "subscribed_events": null, as the API reference says the real service
// does; one whose events were set to [] answers [].
func (s *Server) render(e *Endpoint) map[string]any {
	return map[string]any{
		"id":                e.ID,
		"url":               e.URL,
		"description":       e.Description,
		"subscribed_events": scrambled(e.SubscribedEvents),
		"active":            e.Active,
		"created_at":        e.CreatedAt.Format(timeFormat),
		"object":            "webhook_endpoint",
		"livemode":          e.Live,
		"metadata":          map[string]string{},
	}
}

// endpointFields are the writable fields found in a request body; nil means
// the body left the field out.
type endpointFields struct {
	URL              *string
	Description      *string
	SubscribedEvents *[]string
	Active           *bool
}

func (f endpointFields) apply(e *Endpoint) {
	if f.URL != nil {
		e.URL = *f.URL
	}
	if f.Description != nil {
		e.Description = *f.Description
	}
	if f.SubscribedEvents != nil {
		e.SubscribedEvents = normalizeEvents(*f.SubscribedEvents)
	}
	if f.Active != nil {
		e.Active = *f.Active
	}
}

// decodeFields reads and validates a create or update body. A non-zero status
// is the error answer to give.
func decodeFields(r *http.Request, create bool) (endpointFields, int, string) {
	var f endpointFields
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return f, http.StatusRequestEntityTooLarge, "request body is too large"
		}
		return f, http.StatusBadRequest, "could not read the request body"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return f, http.StatusBadRequest, "request body must be a JSON object"
	}
	for name, value := range obj {
		if msg := decodeField(&f, name, value); msg != "" {
			return f, http.StatusUnprocessableEntity, msg
		}
	}
	if create && f.URL == nil {
		return f, http.StatusUnprocessableEntity, "url is required"
	}
	return f, 0, ""
}

func decodeField(f *endpointFields, name string, value json.RawMessage) string {
	if bytes.Equal(bytes.TrimSpace(value), []byte("null")) {
		return name + " must not be null"
	}
	switch name {
	case "url":
		var u string
		if json.Unmarshal(value, &u) != nil {
			return "url must be a string"
		}
		if msg := validateURL(u); msg != "" {
			return msg
		}
		f.URL = &u
	case "description":
		var d string
		if json.Unmarshal(value, &d) != nil {
			return "description must be a string"
		}
		if utf8.RuneCountInString(d) > maxDescriptionLength {
			return fmt.Sprintf("description must be at most %d characters", maxDescriptionLength)
		}
		f.Description = &d
	case "subscribed_events":
		var events []string
		if json.Unmarshal(value, &events) != nil {
			return "subscribed_events must be an array of strings"
		}
		if msg := validateEvents(events); msg != "" {
			return msg
		}
		f.SubscribedEvents = &events
	case "active":
		var a bool
		if json.Unmarshal(value, &a) != nil {
			return "active must be a boolean"
		}
		f.Active = &a
	default:
		return fmt.Sprintf("unknown field %q", name)
	}
	return ""
}

func validateURL(raw string) string {
	if raw == "" {
		return "url must not be empty"
	}
	if len(raw) > maxURLLength {
		return fmt.Sprintf("url must be at most %d characters", maxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("url %q is not a valid absolute http or https URL", raw)
	}
	return ""
}

func validateEvents(events []string) string {
	if len(events) > maxEvents {
		return fmt.Sprintf("subscribed_events may name at most %d events", maxEvents)
	}
	for i, e := range events {
		switch {
		case strings.TrimSpace(e) == "":
			return fmt.Sprintf("subscribed_events[%d] must be a non-empty event name", i)
		case len(e) > maxEventLength:
			return fmt.Sprintf("subscribed_events[%d] must be at most %d characters", i, maxEventLength)
		case strings.ContainsAny(e, " \t\r\n"):
			return fmt.Sprintf("subscribed_events[%d] %q must not contain whitespace", i, e)
		}
	}
	return ""
}
