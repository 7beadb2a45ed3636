package kafka

import "github.com/twmb/franz-go/pkg/kmsg"

// MetadataRequest is a metadata request for topics (none: every topic), to
// send with RequestWith to a client or to one broker of it. Asking afresh
// sees what franz-go's cached metadata does not: a topic a broker has just
// learnt of, or forgotten.
func MetadataRequest(topics ...string) *kmsg.MetadataRequest {
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	return req
}
