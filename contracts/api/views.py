"""Contracts over REST. Reads go through ``visible_to`` (another tenant's id: 404); every change
calls ``contracts.cycle.workflow``, ``contracts.cycle.targets``, ``contracts.cycle.signing`` or
``contracts.documents.pdf`` — the same functions as the pages — and their exceptions become the
one error shape (pmis.api.errors): NotAllowed 403, TransitionError/ValidationError 400,
ConcurrentEdit 409."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pmis.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin, paginated
from pmis.api.errors import register_conflict
from pmis.tenancy import visible_object

from .. import printing, scores, selectors
from ..cycle import negotiation, signing, targets, workflow
from ..documents import pdf
from ..models import (
    ContractComment,
    ContractDocument,
    ContractTransition,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Signature,
    Target,
    VettingCheck,
)
from . import serializers as s

register_conflict(workflow.ConcurrentEdit)

Level = PerformanceContract.Level


def _transition(name, step, *, url_path=None, with_lock=True, summary=""):
    """A POST action that runs one workflow step on the contract and answers the contract."""

    def run(self, request, pk=None):
        contract = self.get_object()
        body = s.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data["comment"]
        lock_version = body.validated_data.get("lock_version")
        kwargs = {"lock_version": lock_version} if with_lock else {}
        step(request.user, contract, comment, **kwargs)
        fresh = self.get_queryset().get(pk=contract.pk)
        return Response(s.ContractDetailSerializer(fresh, context=self.get_serializer_context()).data)

    run.__name__ = name
    run = extend_schema(request=s.TransitionSerializer, responses=s.ContractDetailSerializer, summary=summary)(run)
    return action(detail=True, methods=["post"], url_path=url_path, filterset_fields=[])(run)


@extend_schema_view(
    list=extend_schema(summary="Contracts the user may see"),
    create=extend_schema(
        summary="Open the requesting officer's annual plan for the current year",
        request=s.PlanCreateSerializer, responses={201: s.ContractDetailSerializer},
    ),
)
class ContractViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = selectors.contracts()  # in the list order (models.LIST_ORDER)
    filterset_fields = ["financial_year", "institution", "status", "level", "org_unit", "officer"]
    non_atomic_actions = ("plan",)  # the API's hottest read: no BEGIN/COMMIT round trips

    def get_queryset(self):
        if self.action == "list":
            # A list row is the contract's own columns (its relations as ids): no joins to plan.
            return PerformanceContract.objects.visible_to(self.request.user)
        return super().get_queryset()

    def get_object(self):
        if self.action != "plan":
            return super().get_object()
        # The plan shows the contract's own columns only: a read by primary key, no joins.
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        contract = visible_object(PerformanceContract, self.request.user, pk)
        if contract is None:
            raise Http404
        self.check_object_permissions(self.request, contract)
        return contract

    def get_serializer_class(self):
        if self.action == "plan":
            return s.PlanSerializer
        if self.action == "list":
            return s.ContractSerializer
        if self.action == "create":
            return s.PlanCreateSerializer
        return s.ContractDetailSerializer

    def create(self, request):
        body = s.PlanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        officer, year = selectors.plan_to_start(request.user) or (None, None)
        if officer is None:
            raise ValidationError(
                _("You already have a plan this year, or you are not an officer with a current year."))
        title = body.validated_data.get("title") or _("%(officer)s: annual work plan %(year)s") % {
            "officer": officer, "year": year.name}
        contract = targets.create_contract(
            request.user, financial_year=year, level=Level.OFFICER, title=title, performer=request.user,
            counterparty=officer.supervisor.user if officer.supervisor_id else None, officer=officer,
        )
        fresh = self.get_queryset().get(pk=contract.pk)
        return Response(s.ContractDetailSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    submit = _transition(
        "submit", lambda user, c, comment, lock_version: workflow.submit(user, c, lock_version=lock_version),
        summary="Submit the draft for pre-negotiation review (performer)")
    return_to_draft = _transition(
        "return_to_draft", workflow.return_to_draft, url_path="return",
        summary="Return the submitted contract to the performer (secretariat)")
    pass_review = _transition(
        "pass_review", workflow.pass_review, url_path="pass-review",
        summary="Pass pre-negotiation review (secretariat)")
    conclude = _transition(
        "conclude", workflow.conclude_negotiation, summary="Conclude negotiation (counter-party)")
    approve_vetting = _transition(
        "approve_vetting", workflow.approve_vetting, url_path="approve-vetting",
        summary="Approve in vetting: fixes the version and its hash (vetting)")
    return_from_vetting = _transition(
        "return_from_vetting", workflow.return_from_vetting, url_path="return-from-vetting",
        summary="Return from vetting to negotiation (vetting)")
    amend = _transition("amend", workflow.amend, summary="Open an amendment of a signed contract")
    bring_into_force = _transition(
        "bring_into_force", lambda user, c, comment: workflow.bring_into_force(user, c),
        url_path="bring-into-force", with_lock=False, summary="Bring a signed contract into force (secretariat)")
    close = _transition("close", workflow.close, with_lock=False, summary="Close a contract in force (secretariat)")

    @extend_schema(request=s.SignSerializer, responses={201: s.SignatureSerializer},
                   summary="Sign the vetted version: re-enter the password (and code where two-factor applies)")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def sign(self, request, pk=None):
        contract = self.get_object()
        body = s.SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        signature = signing.sign(request, contract, password=data["password"], code=data["code"] or None,
                                 lock_version=data.get("lock_version"))
        return Response(s.SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.PlanSerializer,
                   summary="The contract with all its targets (an officer's annual plan in one answer)")
    @action(detail=True, methods=["get"], filterset_fields=[])
    def plan(self, request, pk=None):
        return Response(s.plan_answer(self.get_object(), request.user))

    @extend_schema(
        parameters=[OpenApiParameter("period", int, required=False, description="quarter 1–4; none: the year so far")],
        responses={200: OpenApiTypes.OBJECT},
        summary="The contract's composite (final, or so far), grade, per-perspective and per-target figures")
    @action(detail=True, methods=["get"], filterset_fields=[])
    def score(self, request, pk=None):
        contract = self.get_object()
        period = request.query_params.get("period")
        if period not in (None, "", "1", "2", "3", "4"):
            raise ValidationError({"period": _("A quarter is 1, 2, 3 or 4.")})
        return Response(scores.score(contract, int(period) if period else None).as_dict())

    @extend_schema(methods=["GET"], request=None, responses=s.CommentSerializer(many=True),
                   summary="Review comments on the contract and its targets")
    @extend_schema(methods=["POST"], request=s.CommentSerializer, responses={201: s.CommentSerializer},
                   summary="Comment in review, negotiation or vetting")
    @action(detail=True, methods=["get", "post"], filterset_fields=[])
    def comments(self, request, pk=None):
        contract = self.get_object()
        if request.method == "GET":
            found = ContractComment.objects.filter(contract=contract).order_by("created_at", "pk")
            return paginated(self, found, s.CommentSerializer)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = None
        target_id = body.validated_data.get("target_id")
        if target_id is not None:
            target = Target.objects.filter(contract=contract, pk=target_id).first()
            if target is None:
                raise ValidationError({"target": _("That target belongs to another contract.")})
        note = workflow.comment(request.user, contract, body.validated_data["body"], target=target,
                                stage=body.validated_data["stage"])
        return Response(s.CommentSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.VersionSerializer(many=True), summary="The vetted versions, with content and hash")
    @action(detail=True, methods=["get"], filterset_fields=[])
    def versions(self, request, pk=None):
        contract = self.get_object()
        return paginated(self, ContractVersion.objects.filter(contract=contract).order_by("number", "pk"),
                         s.VersionSerializer)

    @extend_schema(responses=s.SignatureSerializer(many=True), summary="Signatures on every version (read only)")
    @action(detail=True, methods=["get"], filterset_fields=[])
    def signatures(self, request, pk=None):
        contract = self.get_object()
        found = Signature.objects.filter(contract=contract).select_related("version").order_by("signed_at", "pk")
        return paginated(self, found, s.SignatureSerializer)

    @extend_schema(responses=s.VettingCheckSerializer(many=True), summary="Vetting findings on the targets")
    @action(detail=True, methods=["get"], url_path="vetting-checks", filterset_fields=[])
    def vetting_checks(self, request, pk=None):
        contract = self.get_object()
        found = VettingCheck.objects.filter(contract=contract).order_by("version", "target_id", "pk")
        return paginated(self, found, s.VettingCheckSerializer)

    @extend_schema(responses=s.TransitionRecordSerializer(many=True), summary="The contract's steps so far")
    @action(detail=True, methods=["get"], filterset_fields=[])
    def transitions(self, request, pk=None):
        contract = self.get_object()
        found = ContractTransition.objects.filter(contract=contract).order_by("created_at", "pk")
        return paginated(self, found, s.TransitionRecordSerializer)

    @extend_schema(methods=["GET"], request=None,
                   responses={200: OpenApiResponse(s.DocumentSerializer, description="The current version's PDF"),
                              204: OpenApiResponse(description="No PDF asked for yet")},
                   summary="The contract PDF's state")
    @extend_schema(methods=["POST"], request=None, responses={202: s.DocumentSerializer},
                   summary="Ask for the contract PDF (rendered in the background)")
    @action(detail=True, methods=["get", "post"], filterset_fields=[])
    def document(self, request, pk=None):
        contract = self.get_object()
        if request.method == "POST":
            document = printing.request_document(request.user, contract, request)
            return Response(s.DocumentSerializer(document, context=self.get_serializer_context()).data,
                            status=status.HTTP_202_ACCEPTED)
        document = pdf.document_for(contract)
        if document is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.DocumentSerializer(document, context=self.get_serializer_context()).data)


@extend_schema_view(
    destroy=extend_schema(parameters=[OpenApiParameter(
        "lock_version", OpenApiTypes.INT, description="The edit version you read; a stale one answers 409.")]),
)
class TargetViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Targets of contracts. Change them only in a draft, as the performer, with the lock_version read."""

    queryset = Target.objects.select_related("contract").prefetch_related("partner_institutions").order_by(
        "contract_id", "order", "pk")
    serializer_class = s.TargetSerializer
    filterset_fields = ["contract", "institution", "perspective", "indicator", "contract__financial_year",
                        "contract__status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _fields(self, data):
        fields = {k: v for k, v in data.items() if k in targets.TARGET_FIELDS and k != "actual"}
        return fields, data.get("partner_institutions")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contract = data.pop("contract")
        fields, partners = self._fields(data)
        serializer.instance = targets.add_target(self.request.user, contract, partner_institutions=partners or (),
                                                 **fields)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        lock_version = data.pop("lock_version", None)
        if lock_version is None:
            raise ValidationError({"lock_version": _("Send the lock_version you read, so no one's edit is lost.")})
        fields, partners = self._fields(data)
        target = Target.objects.select_related("contract").get(pk=serializer.instance.pk)
        serializer.instance = targets.update_target(self.request.user, target, partner_institutions=partners,
                                                    lock_version=lock_version, **fields)

    def perform_destroy(self, instance):
        lock_version = self.request.query_params.get("lock_version")
        if lock_version is not None and not lock_version.isdigit():
            raise ValidationError({"lock_version": _("Send a whole number.")})
        targets.delete_target(self.request.user, instance, lock_version=lock_version)

    @extend_schema(request=s.ChangesSerializer, responses={201: s.RoundSerializer},
                   summary="Propose new values for the target in negotiation (either party)")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def propose(self, request, pk=None):
        target = self.get_object()
        body = s.ChangesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = workflow.propose(request.user, target, body.changes(), body.validated_data["comment"])
        return Response(s.RoundSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VetSerializer, responses=s.VettingCheckSerializer,
                   summary="Record the vetting committee's finding on the target")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def vet(self, request, pk=None):
        target = self.get_object()
        body = s.VetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = workflow.vet_target(request.user, target, **body.validated_data)
        return Response(s.VettingCheckSerializer(found).data)


class RoundViewSet(ScopedReadOnlyViewSet):
    """Negotiation rounds: proposals on targets and how they were answered."""

    queryset = NegotiationRound.objects.order_by("contract_id", "target_id", "number", "pk")
    serializer_class = s.RoundSerializer
    filterset_fields = ["contract", "target", "institution", "state", "side"]

    @extend_schema(request=s.AnswerSerializer, responses=s.RoundSerializer, summary="Accept the proposal")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        body = s.AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        negotiation.accept(request.user, proposal, body.validated_data["comment"])
        return Response(s.RoundSerializer(NegotiationRound.objects.get(pk=proposal.pk)).data)

    @extend_schema(request=s.ChangesSerializer, responses={201: s.RoundSerializer},
                   summary="Answer with a counter-proposal (a new round)")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def counter(self, request, pk=None):
        proposal = self.get_object()
        body = s.ChangesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = workflow.counter(request.user, proposal, body.changes(), body.validated_data["comment"])
        return Response(s.RoundSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.RoundSerializer, summary="Withdraw your own open proposal")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        workflow.withdraw(request.user, proposal)
        return Response(s.RoundSerializer(NegotiationRound.objects.get(pk=proposal.pk)).data)


class DocumentViewSet(ScopedReadOnlyViewSet):
    """Contract PDFs (one per contract version); ask for one with POST /contracts/{id}/document/."""

    queryset = ContractDocument.objects.order_by("contract_id", "version", "pk")
    serializer_class = s.DocumentSerializer
    filterset_fields = ["contract", "institution", "state"]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, "application/json"): s.DocumentSerializer},
        summary="The PDF when it is ready; its state (JSON) while it is not",
    )
    @action(detail=True, methods=["get"], filterset_fields=[])
    def download(self, request, pk=None):
        document = self.get_object()
        if document.state != ContractDocument.State.READY or not document.file:
            return Response(s.DocumentSerializer(document, context=self.get_serializer_context()).data)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file of this document is missing; ask for the PDF again."))
        return FileResponse(handle, as_attachment=True, filename=pdf.file_name(document),
                            content_type="application/pdf")
